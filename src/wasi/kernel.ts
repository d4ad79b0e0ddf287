// The kernel as embedders use it: its VMs run WASI preview 1 commands.
import { Kernel as BareKernel, type KernelHost } from '../kernel/kernel.ts';
import { wasiPreview1 } from './abi.ts';

export class Kernel extends BareKernel {
  constructor(host: KernelHost = {}) { super(wasiPreview1, host); }
}
