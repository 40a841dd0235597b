/*
 * The benchmark model of issue 8 in Promela, for SPIN: the same state
 * space as bench/rc-bench.machine.ts (rxspec checks that both report the
 * same number of states). One process loops over indivisible (d_step)
 * actions, so the only states are the variables' valuations.
 * conn: 0 closed, 1 connecting, 2 connected, 3 error.
 */
#ifndef N
#define N 8
#endif
byte conn = 0;
byte sendQ = 0;
byte rxPosted = 0;
byte inFlight = 0;
byte delivered = 0;
byte rnrCount = 0;

active proctype rc() {
  do
  :: d_step { sendQ < N -> sendQ++ }                                   /* APP_SEND */
  :: d_step { rxPosted < N -> rxPosted++ }                             /* REPOST */
  :: d_step { conn == 0 -> conn = 1 }                                  /* CONNECT */
  :: d_step { conn == 1 -> conn = 2; rnrCount = 0 }                    /* ESTABLISH */
  :: d_step { conn == 2 && sendQ > 0 && inFlight < N ->                /* TRANSMIT */
                sendQ--; inFlight++ }
  :: d_step { conn == 2 && inFlight > 0 && rxPosted > 0 ->             /* ARRIVE_OK */
                inFlight--; rxPosted--; delivered = (delivered + 1) % 4; rnrCount = 0 }
  :: d_step { conn == 2 && inFlight > 0 && rxPosted == 0 ->            /* ARRIVE_RNR */
                rnrCount++;
                if :: rnrCount == 3 -> conn = 3 :: else -> skip fi }
  :: d_step { conn == 3 -> sendQ = 0; inFlight = 0; conn = 0 }         /* FLUSH */
  od
}
