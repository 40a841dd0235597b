/** IPoIB connected-mode constants (kernel-facts 1.1; ipoib.h at f89271da). */

export const PAGE_SIZE = 4096;
/** IPOIB_CM_MTU: 0x10000 - 0x10. */
export const IPOIB_CM_MTU = 0x10000 - 0x10;
/** IPOIB_CM_BUF_SIZE: the MTU and the 4-byte IPoIB header. */
export const IPOIB_CM_BUF_SIZE = IPOIB_CM_MTU + 4;
/** IPOIB_CM_HEAD_SIZE: the receive buffer's linear head, BUF_SIZE % PAGE_SIZE. */
export const IPOIB_CM_HEAD_SIZE = IPOIB_CM_BUF_SIZE % PAGE_SIZE;
