// Mixed precision (wg.amp): autocast (src/ops/autocast.ts) and the device-side GradScaler.
export { autocast, isAutocastEnabled, type AutocastOptions } from '../ops/autocast.js';
export { GradScaler, type GradScalerOptions } from './grad-scaler.js';
