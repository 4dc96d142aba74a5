import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
export const KERNELS = ['4.15', '4.19', '5.15', '6.8'] as const;
export type Kernel = (typeof KERNELS)[number];

export function procFixture(kernel: Kernel, file: string): string {
  return readFileSync(path.join(FIXTURES, 'proc', kernel, file), 'utf8');
}
