/**
 * Seed 001's receiver class: a 2002 Linux cluster node on Linux 2.4 with a
 * Quadrics QsNet (Elan3) adapter, taken as a dual Pentium III 1 GHz on
 * PC133 SDRAM (ServerWorks), the common cluster node of 2001-2002. The seed
 * gives only the link (3.2 Gbit/s) and the kernel (2.4.3). Estimates from the
 * hardware; where the seed is silent (the IP MTU over Elan) the profile says
 * what it assumes.
 */
import type { HostCosts, LinkCosts } from '../cost-model.js';
import type { HostProfile, RecvPathCosts } from '../tcp-dma/costs.js';

export const pentium3: HostCosts = {
  name: 'piii-quadrics-2002',
  description: 'Pentium III 1 GHz, PC133 SDRAM, Quadrics Elan3 on PCI 64/66, Linux 2.4.3 (2002)',
  memcpyBytesPerNs: 0.35,
  copySetupNs: 300,
  csumBytesPerNs: 0.6,
  pageAllocNs: 1000,
  skbAllocNs: 1500,
  dmaMapNs: 100,
  rxPacketNs: 8000,
  txPacketNs: 8000,
  wakeupNs: 5000,
  sources: {
    memcpyBytesPerNs:
      'PC133 SDRAM peaks at 1.07 GB/s; a copy of cold data crosses the bus three times (read source, read-for-ownership of the destination, write back): ' +
      'at most ~0.36 GB/s',
    copySetupNs: 'call and first cold lines on a 1 GHz core: ~300 cycles',
    csumBytesPerNs: 'csum_partial streams reads only: about half the copy traffic',
    pageAllocNs: '~1,000 cycles',
    skbAllocNs: '~1,500 cycles',
    dmaMapNs: 'pci_map_single on x86 without an IOMMU: an address computation',
    rxPacketNs:
      'the "1 Hz per bit/s" rule of TCP receive (Foong et al., ISPASS 2003) gives ~12,000 cycles per 1448-byte segment for protocol plus copy; ' +
      'taking the copy (~4,400 cycles at 0.35 GB/s) out leaves ~8,000 for the protocol',
    txPacketNs: 'transmit runs the same layers in the other direction without the copy (sendfile): taken equal to receive',
    wakeupNs: 'context switch on a 1 GHz PIII: ~5 us',
  },
};

export const qsnetElan3: LinkCosts = {
  name: 'qsnet-elan3',
  bitsPerSecond: 3.2e9,
  overheadBytes: 52,
  source:
    'seed 001: a 3.2 Gbit/s interconnect. IP over Elan is assumed to carry 1448-byte TCP payloads (an Ethernet-sized MTU; the seed does not give it), ' +
    'with IPv4, TCP and timestamp headers (52 bytes); the Elan link-level framing is left out',
};

export const piiiPath: RecvPathCosts = {
  pinPageNs: 500,
  unpinPageNs: 500,
  syscallNs: 1500,
  dmaIrqNs: 0,
  dmaReapDescNs: 0,
  dmaLinkNs: 0,
  pageBytes: 4096,
  sources: {
    pinPageNs: 'not used: 2.4 has no NET_DMA and this host no copy engine (the pin and DMA figures are never read)',
    unpinPageNs: 'not used (see pinPageNs)',
    syscallNs: 'int 0x80 entry and exit on a PIII plus fd lookup and socket locking: ~1,500 cycles',
    dmaIrqNs: 'not used (see pinPageNs)',
    dmaReapDescNs: 'not used (see pinPageNs)',
    dmaLinkNs: 'not used (see pinPageNs)',
  },
};

export const piiiQuadricsHost: HostProfile = { host: pentium3, link: qsnetElan3, path: piiiPath };
