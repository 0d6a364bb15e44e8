// Population-aligned personas (arXiv 2509.10127): narrative personas, LLM quality gate, Big Five questionnaires,
// KDE importance sampling + entropic OT alignment to a human reference, subgroup adaptation, metrics and report.
export * from './types.ts';
export * from './instruments.ts';
export * from './human-reference.ts';
export * from './norms.ts';
export * from './kde.ts';
export * from './importance.ts';
export * from './sinkhorn.ts';
export * from './align.ts';
export * from './metrics.ts';
export * from './bias.ts';
export * from './likert.ts';
export * from './prompts.ts';
export * from './report.ts';
export { generatePersonas, samplePostsEvenly, eligibility, type SourceUser, type TextRedactor, type GenerateOptions, type GenerateSummary } from './generate.ts';
export { judgePersonas, parseJudgeReply, applyGate, DEFAULT_GATE, type GateRule, type JudgeSummary } from './judge.ts';
export { administerQuestionnaire, itemOrder, type QuestionnaireOptions, type QuestionnaireSummary } from './questionnaire.ts';
export { revisePersonas, poorlyMatched, rankBySimilarity, type ReviseOptions, type ReviseSummary } from './revise.ts';
export { alignStage, reportStage, loadReference, loadScoredPool, type ReferenceSource, type AlignStageOptions, type AlignStageResult } from './stage-align.ts';
export { loadInstrument, loadNormGroups, loadHumanReference, INSTRUMENT_IDS, type InstrumentId } from './data-files.ts';
export { exportPersonaSet, type ExportedPersona } from './export.ts';
