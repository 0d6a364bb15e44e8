// Next-action evaluation: the reference metrics (--compat blueprint) and corrected ones.
export { evaluate, type EvalReport, type EvalMode, type EvaluateOptions, type GroupMetrics } from './evaluate.ts';
export type { EvalTask, EvalModel, EvalPrediction } from './inputs.ts';
export { evalTaskFromTask, parseSolutions, readPredictionFiles, readBatchOutputModel, kindsFromBatchInput } from './read-inputs.ts';
export { filterText } from './filter-text.ts';
export { SklearnTfidf, sklearnTokenize, topK } from './sklearn-tfidf.ts';
export { numpyArgsort } from './numpy-argsort.ts';
export { classificationReport, compatF1, type ClassificationReport } from './classification.ts';
export { compatLabel, COMPAT_LABELS, ACTION_LABELS } from './labels.ts';
export { diagonality } from './diagonality.ts';
export { bootstrapCi } from './bootstrap.ts';
