/**
 * The CM side of the sending host's tx connection: start_task (create the
 * QP, INIT, REQ), the peer's REQ handler and REP, ipoib_cm_rep_handler
 * (RTR, RTS, OPER_UP, the re-queue of neigh->queue, RTU), and
 * ipoib_cm_tx_reap destroying a torn-down tx once tail == head. Each step
 * costs CPU on the host that runs it and firmware or fabric latency in
 * between; the port counts the CM MADs.
 */
import type { PriorityCore } from './core.js';
import type { Sender } from './sender.js';
import type { SimTx, World } from './world.js';

function cmJob(w: World, core: PriorityCore, category: string, then: () => void): void {
  core.submit({ category, start: () => w.jitter(w.o.costs.hca.cmCpuNs), end: then }, 'process');
}

/** start_task: create the QP, INIT, send the REQ; the peer's REQ handler; REP; RTR and RTS; then OPER_UP. */
export function startTask(w: World, sender: Sender, t: SimTx): void {
  const h = w.o.costs.hca;
  // Active side: create the QP and move it to INIT; passive side: create its QP, INIT, RTR, RTS and send the REP;
  // active side again: RTR and RTS.
  cmJob(w, w.senderCpu, 'CM and reap work', () =>
    w.q.after(h.qpCreateNs + h.qpModifyNs, () => {
      t.state = 'reqSent';
      w.c.portMads++; // REQ
      w.q.after(h.madNs, () =>
        cmJob(w, w.receiverCpu, 'CM REQ handler', () =>
          w.q.after(h.qpCreateNs + 3 * h.qpModifyNs + h.madNs, () =>
            cmJob(w, w.senderCpu, 'CM and reap work', () => w.q.after(2 * h.qpModifyNs, () => operUp(w, sender, t))),
          ),
        ),
      );
    }),
  );
}

/** ipoib_cm_rep_handler after RTS: set OPER_UP, re-queue neigh->queue through dev_queue_xmit, send the RTU. */
export function operUp(w: World, sender: Sender, t: SimTx): void {
  let queued: number[] = [];
  w.senderCpu.submit(
    {
      category: 'CM and reap work',
      start: () => {
        t.state = 'up';
        w.c.opened++;
        queued = sender.neighQ;
        sender.neighQ = [];
        return w.jitter(queued.length * w.price.requeue);
      },
      end: () => {
        sender.requeue(queued);
        w.c.portMads++; // RTU
      },
    },
    'process',
  );
}

/** ipoib_cm_tx_reap: destroy the cm_id (DREQ) and the QP once tail == head. */
export function reap(w: World, sender: Sender, t: SimTx): void {
  const h = w.o.costs.hca;
  cmJob(w, w.senderCpu, 'CM and reap work', () => {
    w.c.portMads++; // DREQ
    w.q.after(h.madNs, () => cmJob(w, w.receiverCpu, 'CM REQ handler', () => {}));
    w.q.after(h.qpDestroyNs, () => sender.reapList.splice(sender.reapList.indexOf(t), 1));
  });
}
