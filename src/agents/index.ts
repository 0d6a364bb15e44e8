// Next-action tasks, fine-tuning exports and agents (LLM, local GGUF, baselines). See command.ts for the CLI stages.
export { buildTask, sampleTasks, solutionsObject, answerSchema, promptMessages, evalMessageContent, taskId, parseTaskId, type NextActionTask, type TaskTruth, type ActionSet } from './tasks.ts';
export { blueprintPrompts, systemPrompt, type BlueprintPrompts } from './prompts.ts';
export { loadRelease, threadsOfSplit, releaseKs, type LoadedRelease } from './release-files.ts';
export { parseReleaseLine, actionOf, type ReleaseThread, type ReleaseMessage, type Split } from './release.ts';
export { sftLine, instructionLine, mixInstructions, type SftLine, type SftTarget } from './sft.ts';
export { parseAnswer, type ParsedAnswer, type AnswerStatus as NextActionAnswerStatus } from './answer.ts';
export { readPredictions, appendPrediction, doneTaskIds, type PredictionLine, type InputIssue } from './predictions.ts';
export { predictWithModel, type PredictOptions, type PredictSummary } from './llm-agent.ts';
export { batchInputLine, readBatchOutput } from './batch.ts';
export { createBaseline, baselinePredictions, TextPool, BASELINES, type Baseline, type BaselineName } from './baselines.ts';
export { LearnedClassifier, type LearnedOptions } from './learned-classifier.ts';
