/**
 * cm-checksum: negotiating, per IPoIB connected-mode (CM) connection, that
 * the IB CRC stands in for the IP checksum; and the device features the
 * 2.6 stack ties to it.
 *
 * Sources
 * - Seed: ../shared/seeds/002_a755afb4ab75ec5f.txt, a post to linux-rdma
 *   (its footer) signed "Yuval"; the file and the seeds README give no
 *   date, subject or surname. Yuval Shaia, and the date 2014-15, are
 *   inferred: the same text, nearly word for word, is the message of the
 *   Oracle UEK commit "IB/ipoib: CSUM support in connected mode" (Orabug
 *   20559068, Signed-off-by: Yuval Shaia <yuval.shaia@oracle.com>; read in
 *   the infradead mirror users/jedix/linux-maple, commit 0910c997). Its
 *   points: 64 KB MTU needs order-5 allocations; S/G needs checksum
 *   offload; "during connection establishment the driver determine[s] if
 *   the other end supports IB CRC as checksum".
 * - ../shared/reference/kernel-facts.md section 2 (what was proposed in 2007
 *   and shipped only in Oracle UEK in 2014-15; set_mode and ipoib_fix_features;
 *   the 2.6 register_netdevice rule; Todd Rimmer's 2007 integrity-domain
 *   objection; ICRC and VCRC), 1.1 and 1.6 (CM REQ/REP parameters and private
 *   data `struct ipoib_cm_data { __be32 qpn; __be32 mtu; }`), 1.7 (RC
 *   retry_count 0).
 * - Kernel source read (torvalds/linux unless said; [I] marks an inference):
 *   - drivers/infiniband/ulp/ipoib/ipoib_cm.c @5b095d98928f (the commit the
 *     index stores; its text uses %pI6, random32 and ipoib_workqueue, which
 *     fits Harvey Harrison's "net: replace %p6 with %pI6" of October 2008,
 *     first released in 2.6.29 [I]): ipoib_cm_send_req, ipoib_cm_req_handler,
 *     ipoib_cm_send_rep, ipoib_cm_rep_handler, ipoib_cm_tx_handler, set_mode
 *     clearing NETIF_F_IP_CSUM | NETIF_F_SG | NETIF_F_TSO; and the modern
 *     copy @00ed905ab8e5 (ipoib_priv, sa_path_rec: 4.12 or later [I]), whose
 *     private data is still {qpn, mtu}.
 *   - drivers/infiniband/ulp/ipoib/ipoib_main.c ipoib_fix_features: the
 *     modern form, which clears only NETIF_F_IP_CSUM | NETIF_F_TSO (the
 *     index's torvalds/linux version is @785b0017b718 [I]), and older third-party copies that also clear NETIF_F_SG
 *     (kernel-facts 2, "several copies"; which repositories and releases was
 *     not recorded).
 *   - net/core/dev.c register_netdevice, "Dropping NETIF_F_SG since no
 *     checksum feature" followed by "Dropping NETIF_F_TSO since no SG
 *     feature": a third-party copy the index does not name by repository;
 *     its free_divert_blk, DECLARE_MUTEX(net_todo_run_mutex) and
 *     class_device_put date it to 2.6.1x, before the divert code was
 *     removed [I]. net/core/ethtool.c ethtool_set_tx_csum, which turns SG
 *     off before the checksum: a 2.6 copy, release not recorded.
 *   - drivers/infiniband/core/cm.c cm_format_req (@858119e15938), which
 *     copies only private_data_len bytes into the REQ.
 *   - For the receive mark: include/linux/skbuff.h (@e5e67305885e)
 *     skb_csum_unnecessary (ip_summed & CHECKSUM_UNNECESSARY, true for
 *     CHECKSUM_PARTIAL too) and skb_forward_csum (ip_forward resets only
 *     CHECKSUM_COMPLETE); net/core/dev.c dev_hard_start_xmit in a 2.6.3x
 *     third-party copy, release not recorded (a CHECKSUM_PARTIAL skb on a
 *     device without a checksum feature goes through skb_checksum_help);
 *     net/core/skbuff.c skb_partial_csum_set; drivers/net/virtio_net.c
 *     receive_buf (@1824a9897473; VIRTIO_NET_HDR_F_NEEDS_CSUM gives
 *     CHECKSUM_PARTIAL, DATA_VALID gives CHECKSUM_UNNECESSARY: the precedent
 *     for a link whose sender skipped the checksum); ipoib_ib.c's UD receive
 *     (@8f98ae0c9b90: CHECKSUM_UNNECESSARY only when IPOIB_FLAG_CSUM is set
 *     and the HCA checked the checksum, wc->csum_ok). The four @ commits in
 *     this item are the versions the index stores; that these, and not
 *     other copies, were the ones read is an inference [I].
 *
 * Modelling choice, the receive mark: B marks packets of an agreed
 * connection CHECKSUM_PARTIAL, not CHECKSUM_UNNECESSARY. Local delivery
 * treats both as verified; only PARTIAL makes a gateway's egress path
 * complete the checksum the sender skipped, which ip_forward in 2.6 never
 * does for an UNNECESSARY packet. UEK's actual mark is unverified (its
 * message says "mark RX checksum good"); the UNNECESSARY reading is the
 * variant bug-gateway-no-regenerate.
 *
 * Modelling choice: the capability's wire encoding was never upstream (the
 * UEK patch's format is unverified). It is modelled as a flag in the CM REQ
 * and REP private data next to qpn and mtu. An old driver sends 8 bytes of
 * private data, the CM's message buffer is zero-filled [I], so the flag
 * reads as 0 from an old peer, and an old driver never looks past mtu.
 */
import { and, assign, setup, stateIn } from 'xstate';
import type { CmChecksumParams } from './params.js';
import type { Behaviour } from './variants.js';
import type { CorruptionPoint, CmEvent } from './events.js';
import {
  advertises,
  agreedBy,
  connectedFeatures,
  initialContext,
  type CmContext,
  type CmInput,
  type Fate,
  type IpSummed,
  type Packet,
} from './context.js';

export const MODELLED =
  'Two IPoIB hosts on one IB subnet. A opens the CM connection and sends; B accepts it, receives, and is also a ' +
  "gateway that forwards some packets out of the fabric to an Ethernet host. Each end's local capability is on, off, " +
  "or an old driver that ignores the private data. A's device starts in datagram mode (an HCA without UD checksum " +
  'offload, as the seed says) and the administrator switches it to connected mode, which sets NETIF_F_IP_CSUM and ' +
  'NETIF_F_SG as the variant does. The CM exchange: REQ carrying A\'s flag, REP carrying B\'s, RTU, a REJ of either ' +
  'message, and connection errors (DREQ, a send completion error); the negotiated state each end holds per ' +
  'connection; teardown and reconnection, with a capability change allowed only between connections (as set_mode ' +
  'flushes paths to restart them). One packet at a time: A\'s transmit (checksum computed by the stack, computed by ' +
  'the driver in software, or skipped), the wire (the next hop checks the VCRC per link, B\'s HCA checks the ICRC end ' +
  'to end; a dropped RC packet fails the connection, as IPoIB sets retry_count 0), B\'s receive (ip_summed: ' +
  'CHECKSUM_NONE, verified in software; or, on an agreed connection, CHECKSUM_PARTIAL, which local delivery takes as ' +
  'verified and a gateway\'s egress path completes; CHECKSUM_UNNECESSARY in the variant that marks so), and ' +
  'forwarding out of the fabric, where ip_forward leaves the TCP checksum alone. Corruption may strike in A\'s ' +
  'memory after the checksum point, on a link, inside a switch, or in B\'s memory before delivery. Datagram-mode ' +
  '(UD) packets carry no negotiation; B\'s HCA has no UD checksum offload, so trusting one is trusting the IB CRC.';

export const LEFT_OUT =
  'One direction (A to B): IPoIB-CM connections are one-way, and the reverse connection is the same machine with the ' +
  'ends swapped. One packet in flight, since the properties are about each packet\'s treatment, not about queueing. ' +
  'The neighbour queue of packets sent before the connection is up, SRQ and ring handling, RNR and the stale-connection ' +
  'timers (the rc-connection model covers them). B\'s device features (they govern B\'s own transmit direction). ' +
  'Multicast and broadcast, which use UD in connected mode too: UD is represented by datagram-mode unicast only, ' +
  'because a UD packet is treated the same in either mode (no negotiation, CHECKSUM_NONE), and letting A send UD ' +
  'forever in connected mode would add a quarter more states and an unfair loop that starves the connection\'s ' +
  'liveness without a bound on UD sends. Which packets a receiver may mark CHECKSUM_PARTIAL: the mark is per ' +
  'connection, so it presumes every TCP packet on an agreed connection left A with the pseudo-header sum in its ' +
  'check field; the model sends only such packets (ICMP, and packets the stack checksummed itself, are left out). ' +
  'Capabilities "off" and "old" behave alike by design (the fallback must treat a peer that turned the feature off ' +
  'like an old driver); both are kept because the issue names both, and a test holds them equal. The IPv4 ' +
  'header checksum, which ip_rcv always verifies in software whatever the driver says: the machine\'s "checksum" is the ' +
  'TCP checksum that NETIF_F_IP_CSUM offloads; the byte-level tests cover both. Which corruptions a checksum or CRC ' +
  'misses is a property of bytes, not of this machine: here the IP checksum detects every memory corruption after it ' +
  'and the CRCs every wire corruption; the byte-level tests (properties/cm-checksum/integrity.ts) state the exact ' +
  'classes, and the blind spots of the ones\' complement sum. Timing and cost: src/sim/cm-checksum.';

type Stage = 'posted' | 'onWire' | 'rxBuffer';

export function cmChecksumMachine(p: CmChecksumParams, b: Behaviour) {
  const corruptsAt =
    (stage: Stage) =>
    ({ context, event }: { context: CmContext; event: CmEvent }): boolean => {
      if (event.type !== 'CORRUPT' || context.corruptionsLeft === 0 || context.pkt === null) return false;
      const at: CorruptionPoint = event.at;
      if (stage === 'posted') return at === 'sender-memory';
      if (stage === 'rxBuffer') return at === 'receiver-memory';
      return (at === 'link' || at === 'switch') && context.pkt.crc === 'ok';
    };
  const fateAtHost = (pkt: Packet): Fate => {
    // skb_csum_unnecessary (UNNECESSARY or PARTIAL): delivered as it is; otherwise the TCP checksum is verified in software.
    if (pkt.summed !== 'none' || pkt.csum === 'valid') return pkt.corrupt ? 'accepted-corrupt' : 'delivered';
    return 'dropped-csum';
  };
  /** What B's driver sets ip_summed to for this packet. */
  const markOf = (context: CmContext, pkt: Packet): IpSummed => {
    const trusted = pkt.via === 'rc' ? context.rxTrust : b.trustUdPackets && advertises(b, context.capB);
    return trusted ? b.rxMark : 'none';
  };

  return setup({
    types: { context: {} as CmContext, events: {} as CmEvent, input: {} as CmInput },
    guards: {
      modeDatagram: ({ context }) => context.modeA === 'datagram',
      modeConnected: ({ context }) => context.modeA === 'connected',
      canChangeCap: ({ context, event }) =>
        event.type === 'SET_CAP' &&
        context.capChangesLeft > 0 &&
        context.wasConnected &&
        context.cm === null &&
        (event.end === 'A' ? context.capA : context.capB) !== event.cap,
      reqInFlight: ({ context }) => context.cm === 'REQ',
      repInFlight: ({ context }) => context.cm === 'REP',
      rtuInFlight: ({ context }) => context.cm === 'RTU',
      noCmMessage: ({ context }) => context.cm === null,
      cmFaultLeft: ({ context }) => context.cmFaultsLeft > 0,
      rejAddressed: ({ context, event }) =>
        event.type === 'REJ_RECEIVED' && context.cm === (event.at === 'A' ? 'REJ_TO_A' : 'REJ_TO_B'),
      refusesDisagreement: ({ context }) =>
        b.rejectPeerWithoutCapability && advertises(b, context.capA) && !agreedBy(context.exchange),
      refusesReqWithoutFlag: ({ context }) =>
        b.rejectPeerWithoutCapability && advertises(b, context.capB) && !(context.exchange?.req ?? false),
      rcPacket: ({ context }) => context.pkt?.via === 'rc',
      rcPacketDamaged: ({ context }) => context.pkt?.via === 'rc' && context.pkt.crc !== 'ok',
      damaged: ({ context }) => context.pkt !== null && context.pkt.crc !== 'ok',
      toEthernet: ({ context }) => context.pkt?.dst === 'ethernet',
      corruptsPosted: corruptsAt('posted'),
      corruptsOnWire: corruptsAt('onWire'),
      corruptsRxBuffer: corruptsAt('rxBuffer'),
      // Named compositions, so diagrams and traces say what each transition waits for.
      capChangeAllowed: and(['canChangeCap', stateIn({ tx: 'down' }), stateIn({ rx: 'none' }), stateIn({ skb: 'idle' })]),
      canSendReq: and(['modeConnected', 'noCmMessage', stateIn({ rx: 'none' })]),
      repRefusedForDisagreement: and(['repInFlight', 'refusesDisagreement']),
      reqRefusedForDisagreement: and(['reqInFlight', 'refusesReqWithoutFlag']),
      repRejectable: and(['repInFlight', 'cmFaultLeft']),
      reqRejectable: and(['reqInFlight', 'cmFaultLeft']),
      connectionUp: stateIn({ tx: 'operUp' }),
      connectionCanFail: and([stateIn({ tx: 'operUp' }), 'noCmMessage', 'cmFaultLeft']),
      rcPacketFlushable: and(['connectionCanFail', 'rcPacket']),
      rcPacketLostOnWire: and([stateIn({ skb: 'onWire' }), 'rcPacketDamaged']),
    },
    actions: {
      setModeConnected: assign(({ context }) => ({
        modeA: 'connected' as const,
        featuresA: connectedFeatures(b, context.capA),
      })),
      setCap: assign(({ context, event }) => {
        if (event.type !== 'SET_CAP') return {};
        // The last packet's fate belongs to the old capabilities, so it is forgotten.
        const common = { capChangesLeft: context.capChangesLeft - 1, outcome: null };
        if (event.end === 'B') return { ...common, capB: event.cap };
        const follows = context.modeA === 'connected' && !b.keepFeaturesOnCapChange;
        const featuresA = follows ? connectedFeatures(b, event.cap) : context.featuresA;
        return { ...common, capA: event.cap, featuresA };
      }),
      // ipoib_cm_send_req: private data {qpn, mtu, flag}.
      sendReq: assign(({ context }) => ({ exchange: { req: advertises(b, context.capA), rep: false }, cm: 'REQ' as const })),
      // ipoib_cm_req_handler + ipoib_cm_send_rep: B agrees only if it advertises the flag itself and the REQ carried it.
      reqReceived: assign(({ context }) => {
        const rep = advertises(b, context.capB);
        const req = context.exchange?.req ?? false;
        return { exchange: { req, rep }, rxTrust: rep && req, cm: 'REP' as const };
      }),
      reqRejected: assign(({ context }) => ({ cm: 'REJ_TO_A' as const, cmFaultsLeft: context.cmFaultsLeft - 1 })),
      // ipoib_cm_req_handler returned an error, so the CM answers the REQ with a REJ.
      reqRefused: assign({ cm: 'REJ_TO_A' as const }),
      // ipoib_cm_rep_handler: OPER_UP, then the RTU.
      repReceived: assign(({ context }) => {
        const fresh = agreedBy(context.exchange);
        const kept = b.keepNegotiationAcrossReconnect && context.cachedAgreed !== null;
        const txAgreed = kept ? (context.cachedAgreed as boolean) : fresh;
        return {
          txAgreed,
          cachedAgreed: b.keepNegotiationAcrossReconnect ? txAgreed : null,
          wasConnected: true,
          cm: 'RTU' as const,
        };
      }),
      // The REP handler returned an error, so ipoib_cm_tx_handler sends a REJ.
      repRefused: assign({ cm: 'REJ_TO_B' as const }),
      repRejected: assign(({ context }) => ({ cm: 'REJ_TO_B' as const, cmFaultsLeft: context.cmFaultsLeft - 1 })),
      rejReceivedByA: assign({ cm: null, exchange: null, txAgreed: false }),
      rejReceivedByB: assign({ cm: null, exchange: null, rxTrust: false }),
      rtuReceived: assign({ cm: null }),
      connError: assign(({ context }) => ({
        cm: null,
        exchange: null,
        txAgreed: false,
        rxTrust: false,
        cmFaultsLeft: context.cmFaultsLeft - 1,
      })),
      // The receiving HCA dropped an RC packet; with retry_count 0 the sender's QP fails.
      lostConnection: assign({ cm: null, exchange: null, txAgreed: false, rxTrust: false }),
      send: assign(({ context, event }) => {
        if (event.type !== 'SEND') return {};
        // Without NETIF_F_IP_CSUM the stack checksums before the driver sees the packet;
        // with it the driver skips (agreed) or calls skb_checksum_help.
        const skip = context.featuresA.ipCsum && (b.skipOnOwnCapability ? advertises(b, context.capA) : context.txAgreed);
        const pkt: Packet = {
          via: 'rc',
          dst: event.dst,
          csum: skip ? 'absent' : 'valid',
          corrupt: false,
          crc: 'ok',
          summed: 'none',
          agreed: agreedBy(context.exchange),
        };
        return { pkt, outcome: null };
      }),
      sendUd: assign(() => {
        const pkt: Packet = { via: 'ud', dst: 'host', csum: 'valid', corrupt: false, crc: 'ok', summed: 'none', agreed: false };
        return { pkt, outcome: null };
      }),
      corruptMemory: assign(({ context }) => {
        const pkt = context.pkt as Packet;
        return {
          pkt: { ...pkt, corrupt: true, csum: pkt.csum === 'valid' ? ('stale' as const) : pkt.csum },
          corruptionsLeft: context.corruptionsLeft - 1,
        };
      }),
      corruptWire: assign(({ context, event }) => ({
        pkt: { ...(context.pkt as Packet), crc: event.type === 'CORRUPT' && event.at === 'link' ? ('vcrc-bad' as const) : ('icrc-bad' as const) },
        corruptionsLeft: context.corruptionsLeft - 1,
      })),
      dropDamaged: assign(({ context }) => {
        const pkt = context.pkt as Packet;
        const fate: Fate = pkt.crc === 'vcrc-bad' ? 'dropped-vcrc' : 'dropped-icrc';
        return { pkt: null, outcome: { fate, via: pkt.via } };
      }),
      // The driver sets ip_summed: the variant's mark on an agreed connection, else CHECKSUM_NONE.
      receive: assign(({ context }) => {
        const pkt = context.pkt as Packet;
        return { pkt: { ...pkt, summed: markOf(context, pkt) } };
      }),
      // The final receiver's stack (B's, or the Ethernet host's): trust the mark, or verify in software.
      deliver: assign(({ context }) => {
        const pkt = context.pkt as Packet;
        return { pkt: null, outcome: { fate: fateAtHost(pkt), via: pkt.via } };
      }),
      // ip_forward out of the fabric never touches the TCP checksum; the egress path completes a CHECKSUM_PARTIAL
      // packet (skb_checksum_help, or the NIC), summing the field as it stands: A's pseudo-header sum gives a checksum
      // valid over the bytes the gateway holds, a checksum A had already completed gives a wrong one.
      forward: assign(({ context }) => {
        const pkt = context.pkt as Packet;
        const completed = pkt.csum === 'absent' ? ('valid' as const) : ('stale' as const);
        return { pkt: { ...pkt, csum: pkt.summed === 'partial' ? completed : pkt.csum, summed: 'none' as const } };
      }),
      flush: assign(({ context }) => ({ pkt: null, outcome: { fate: 'flushed' as const, via: (context.pkt as Packet).via } })),
    },
  }).createMachine({
    id: 'cmChecksum',
    type: 'parallel',
    context: ({ input }) => initialContext(input, p),
    on: {
      SET_MODE_CONNECTED: { guard: 'modeDatagram', actions: 'setModeConnected' },
      // Between connections, and with no packet left that was sent under the old capabilities.
      SET_CAP: { guard: 'capChangeAllowed', actions: 'setCap' },
    },
    states: {
      /** A's ipoib_cm_tx: the active side, the only one that sends data. */
      tx: {
        initial: 'down',
        states: {
          down: {
            on: { REQ: { guard: 'canSendReq', target: 'reqSent', actions: 'sendReq' } },
          },
          reqSent: {
            on: {
              REP_RECEIVED: [
                { guard: 'repRefusedForDisagreement', target: 'down', actions: 'repRefused' },
                { guard: 'repInFlight', target: 'operUp', actions: 'repReceived' },
              ],
              REP_REJECTED: { guard: 'repRejectable', target: 'down', actions: 'repRejected' },
              REJ_RECEIVED: { guard: 'rejAddressed', target: 'down', actions: 'rejReceivedByA' },
            },
          },
          /** IPOIB_FLAG_OPER_UP: the REP was accepted; packets may be posted. */
          operUp: {
            on: {
              CONN_ERROR: { guard: 'connectionCanFail', target: 'down', actions: 'connError' },
              RECEIVE: { guard: 'rcPacketLostOnWire', target: 'down', actions: 'lostConnection' },
            },
          },
        },
      },
      /** B's ipoib_cm_rx: the passive side. */
      rx: {
        initial: 'none',
        states: {
          none: {
            on: {
              REQ_RECEIVED: [
                { guard: 'reqRefusedForDisagreement', actions: 'reqRefused' },
                { guard: 'reqInFlight', target: 'repSent', actions: 'reqReceived' },
              ],
              REQ_REJECTED: { guard: 'reqRejectable', actions: 'reqRejected' },
            },
          },
          repSent: {
            on: {
              RTU_RECEIVED: { guard: 'rtuInFlight', target: 'live', actions: 'rtuReceived' },
              REJ_RECEIVED: { guard: 'rejAddressed', target: 'none', actions: 'rejReceivedByB' },
              RECEIVE: { guard: 'rcPacketLostOnWire', target: 'none' },
            },
          },
          live: {
            on: {
              CONN_ERROR: { guard: 'connectionCanFail', target: 'none' },
              RECEIVE: { guard: 'rcPacketLostOnWire', target: 'none' },
            },
          },
        },
      },
      /** The one packet (sk_buff) in flight, from A's stack to wherever it ends. */
      skb: {
        initial: 'idle',
        states: {
          idle: {
            on: {
              SEND: { guard: 'connectionUp', target: 'posted', actions: 'send' },
              SEND_UD: { guard: 'modeDatagram', target: 'posted', actions: 'sendUd' },
            },
          },
          /** Posted to A's send queue: past the checksum point, not yet read by the HCA. */
          posted: {
            on: {
              TRANSMIT: { target: 'onWire' },
              CORRUPT: { guard: 'corruptsPosted', actions: 'corruptMemory' },
              CONN_ERROR: { guard: 'rcPacketFlushable', target: 'idle', actions: 'flush' },
            },
          },
          onWire: {
            on: {
              CORRUPT: { guard: 'corruptsOnWire', actions: 'corruptWire' },
              RECEIVE: [{ guard: 'damaged', target: 'idle', actions: 'dropDamaged' }, { target: 'rxBuffer', actions: 'receive' }],
              CONN_ERROR: { guard: 'rcPacketFlushable', target: 'idle', actions: 'flush' },
            },
          },
          /** In B's memory: the HCA checked the CRCs and the driver set ip_summed. */
          rxBuffer: {
            on: {
              CORRUPT: { guard: 'corruptsRxBuffer', actions: 'corruptMemory' },
              NETIF_RECEIVE: [{ guard: 'toEthernet', target: 'onEthernet', actions: 'forward' }, { target: 'idle', actions: 'deliver' }],
            },
          },
          /** Forwarded by B out of the fabric. */
          onEthernet: {
            on: { ETH_RECEIVE: { target: 'idle', actions: 'deliver' } },
          },
        },
      },
    },
  });
}
