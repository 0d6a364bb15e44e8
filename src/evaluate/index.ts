// Next-action evaluation: the reference metrics (--compat blueprint) and corrected ones.
export { evaluate, summarizeInputIssues, type EvalReport, type EvalMode, type EvaluateOptions, type GroupMetrics, type InputProblems } from './evaluate.ts';
export type { EvalTask, EvalModel, EvalPrediction, ValidationRows } from './inputs.ts';
export { evalTaskFromTask, parseSolutions, readPredictionFiles, readBatchOutputModel, kindsFromBatchInput, readValidation } from './read-inputs.ts';
export { filterText } from './filter-text.ts';
export { SklearnTfidf, sklearnTokenize, topK } from './sklearn-tfidf.ts';
export { numpyArgsort } from './numpy-argsort.ts';
export { classificationReport, compatF1, f1OfResample, labelCodes, type ClassificationReport } from './classification.ts';
export { compatLabel, COMPAT_LABELS, ACTION_LABELS } from './labels.ts';
export { diagonality } from './diagonality.ts';
export { bootstrapCi } from './bootstrap.ts';
