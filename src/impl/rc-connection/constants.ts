/**
 * IPoIB connected-mode buffer geometry (ipoib.h at f89271da; kernel-facts
 * §1.1): a receive buffer is a 4084-byte linear head plus up to 15 pages,
 * sized so that head + pages hold IPOIB_CM_BUF_SIZE = 65524 bytes.
 */
export const PAGE_SIZE = 4096;
/** IPOIB_ENCAP_LEN: the IPoIB header (be16 proto, u16 reserved) in front of every packet. */
export const IPOIB_ENCAP_LEN = 4;
/** IPOIB_CM_MTU = 0x10000 - 0x10. */
export const IPOIB_CM_MTU = 0x10000 - 0x10;
/** IPOIB_CM_BUF_SIZE = IPOIB_CM_MTU + IPOIB_ENCAP_LEN: sent as `mtu` in the CM private data. */
export const IPOIB_CM_BUF_SIZE = IPOIB_CM_MTU + IPOIB_ENCAP_LEN;
/** IPOIB_CM_HEAD_SIZE = IPOIB_CM_BUF_SIZE % PAGE_SIZE = 4084. */
export const IPOIB_CM_HEAD_SIZE = IPOIB_CM_BUF_SIZE % PAGE_SIZE;
/** IPOIB_CM_RX_SG = ALIGN(IPOIB_CM_BUF_SIZE, PAGE_SIZE) / PAGE_SIZE = 16 SGEs: the head and 15 pages. */
export const IPOIB_CM_RX_SG = Math.ceil(IPOIB_CM_BUF_SIZE / PAGE_SIZE);
/** ETH_P_IP, the protocol in the IPoIB header of an IPv4 packet. */
export const ETH_P_IP = 0x0800;
