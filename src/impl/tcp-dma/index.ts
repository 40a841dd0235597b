export { internetChecksum } from './checksum.js';
export { DmaChannel, dmaAsyncIsComplete } from './dma-engine.js';
export { Reader, type ReadRequest, type ReaderStep, type ReadResult } from './recvmsg.js';
export { Session, readIsExact, type ReadOutcome } from './session.js';
export { TcpSocket, type SocketConfig } from './socket.js';
export { makeSegment, streamByte, streamBytes, type Segment } from './stream.js';
export { PhysicalMemory, UserBuffer } from './user-memory.js';
