// The web side: `simpact serve` (explorer and human Turing-test study kit) and its pure study statistics.
export { startWebServer, type WebServerOptions, type RunningServer } from './server.ts';
export { openRelease, ensureIndexed, ReleaseError, type OpenRelease } from './release.ts';
export { ensureWebBuild, webBuildIsFresh } from './assets.ts';
export { createStudy, StudyInputError, type CreateStudyInput, type CreatedStudy } from './study/create.ts';
export { designStudy, DEFAULT_SETTINGS, type StudySettings, type Candidate } from './study/design.ts';
export { accuracySummary, wilson, krippendorffAlpha, pairwiseAgreement, studyResults, tally, type StudyResults, type ModelResult } from './study/stats.ts';
