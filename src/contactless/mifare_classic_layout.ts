/**
 * MIFARE Classic memory arithmetic (NXP MF1S50yyX/V1, MF1S70yyX/V1, MF1S20yyX/V1 data
 * sheets): 16-byte blocks in sectors of 4 blocks, and on the 4K 8 more sectors of 16
 * blocks from block 128; the last block of every sector is its trailer.
 *
 * @module
 */

import { checkInteger } from "../smartcard/bytes.ts";

/** The MIFARE Classic sizes this module knows. */
export type MifareClassicType = "1K" | "4K" | "Mini";

/** Bytes per MIFARE Classic block. */
export const MIFARE_BLOCK_SIZE = 16;

/** The memory of one MIFARE Classic type, with the arithmetic on it. */
export interface MifareClassicLayout {
  /** Which card. */
  readonly type: MifareClassicType;
  /** How many sectors: 16 (1K), 40 (4K), 5 (Mini). */
  readonly sectors: number;
  /** How many blocks: 64 (1K), 256 (4K), 20 (Mini). */
  readonly blocks: number;
}

const SECTORS: Readonly<Record<MifareClassicType, number>> = { "1K": 16, "4K": 40, "Mini": 5 };
/** The 4K's first 32 sectors have 4 blocks (128 blocks), the rest 16. */
const SMALL_SECTORS = 32;
const SMALL_SECTOR_BLOCKS = 4;
const LARGE_SECTOR_BLOCKS = 16;

/**
 * The layout of a MIFARE Classic 1K, 4K or Mini.
 * @throws TypeError for another type
 */
export function mifareClassicLayout(type: MifareClassicType): MifareClassicLayout {
  const sectors = SECTORS[type];
  if (sectors === undefined || !Object.hasOwn(SECTORS, type)) {
    throw new TypeError(`MIFARE Classic type must be "1K", "4K" or "Mini", not ${String(type)}`);
  }
  const blocks = Math.min(sectors, SMALL_SECTORS) * SMALL_SECTOR_BLOCKS +
    Math.max(0, sectors - SMALL_SECTORS) * LARGE_SECTOR_BLOCKS;
  return Object.freeze({ type, sectors, blocks });
}

/**
 * The sector that holds `block`.
 * @throws RangeError when the card has no such block
 */
export function sectorOfBlock(layout: MifareClassicLayout, block: number): number {
  checkBlock(layout, block);
  const small = SMALL_SECTORS * SMALL_SECTOR_BLOCKS;
  return block < small
    ? Math.floor(block / SMALL_SECTOR_BLOCKS)
    : SMALL_SECTORS + Math.floor((block - small) / LARGE_SECTOR_BLOCKS);
}

/**
 * How many blocks `sector` has: 4, or 16 for the 4K's sectors 32 to 39.
 * @throws RangeError when the card has no such sector
 */
export function blocksInSector(layout: MifareClassicLayout, sector: number): number {
  checkSector(layout, sector);
  return sector < SMALL_SECTORS ? SMALL_SECTOR_BLOCKS : LARGE_SECTOR_BLOCKS;
}

/**
 * The first block of `sector`.
 * @throws RangeError when the card has no such sector
 */
export function firstBlockOfSector(layout: MifareClassicLayout, sector: number): number {
  checkSector(layout, sector);
  return sector < SMALL_SECTORS
    ? sector * SMALL_SECTOR_BLOCKS
    : SMALL_SECTORS * SMALL_SECTOR_BLOCKS + (sector - SMALL_SECTORS) * LARGE_SECTOR_BLOCKS;
}

/**
 * The sector trailer of `sector`: its last block.
 * @throws RangeError when the card has no such sector
 */
export function trailerBlockOfSector(layout: MifareClassicLayout, sector: number): number {
  return firstBlockOfSector(layout, sector) + blocksInSector(layout, sector) - 1;
}

/**
 * The block at `index` within `sector` (0 is its first block).
 * @throws RangeError when the card has no such sector, or the sector no such block
 */
export function blockOfSector(layout: MifareClassicLayout, sector: number, index: number): number {
  const count = blocksInSector(layout, sector);
  checkInteger(index, `block index in sector ${sector}`, 0, count - 1);
  return firstBlockOfSector(layout, sector) + index;
}

/**
 * Whether `block` is a sector trailer.
 * @throws RangeError when the card has no such block
 */
export function isSectorTrailer(layout: MifareClassicLayout, block: number): boolean {
  return trailerBlockOfSector(layout, sectorOfBlock(layout, block)) === block;
}

/**
 * Which of the four access-condition groups of its sector governs `block`: 0, 1 and 2 are
 * data blocks (in a 16-block sector, blocks 0-4, 5-9 and 10-14), 3 is the trailer.
 * @throws RangeError when the card has no such block
 */
export function accessGroupOfBlock(layout: MifareClassicLayout, block: number): 0 | 1 | 2 | 3 {
  const sector = sectorOfBlock(layout, block);
  const index = block - firstBlockOfSector(layout, sector);
  if (blocksInSector(layout, sector) === SMALL_SECTOR_BLOCKS) return index as 0 | 1 | 2 | 3;
  return index === LARGE_SECTOR_BLOCKS - 1 ? 3 : Math.floor(index / 5) as 0 | 1 | 2;
}

function checkBlock(layout: MifareClassicLayout, block: number): void {
  checkInteger(block, `block of a MIFARE Classic ${layout.type}`, 0, layout.blocks - 1);
}

function checkSector(layout: MifareClassicLayout, sector: number): void {
  checkInteger(sector, `sector of a MIFARE Classic ${layout.type}`, 0, layout.sectors - 1);
}
