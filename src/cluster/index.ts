// Size-constrained k-means (BluePrint §5.2) and .npy helpers.
export { constrainedKMeans } from './constrained-kmeans.ts';
export type { ConstrainedKMeansOptions, ConstrainedKMeansResult, IterationInfo, SeedSample } from './constrained-kmeans.ts';
export { repairSizes } from './size-repair.ts';
export type { CostProvider, RepairState, RepairStats } from './size-repair.ts';
export { readNpy, writeNpy } from './npy.ts';
export type { NpyArray, NpyDtype } from './npy.ts';
