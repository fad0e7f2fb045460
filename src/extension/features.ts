// What the extension loads at first use rather than at activation (dist/features.js, through
// loadFeatures.ts): the command bodies, the status panels, policy editing and verification, and the
// test-mode parts. extension.ts composes them; this module only names them.
export { commandHandlers } from '../commands/register.js';
export { confirmPolicyRemoval } from '../commands/policies/policyCommands.js';
export { VscodeUi } from '../commands/ui/ui.js';
export { PanelProbes } from '../panel/probe.js';
export { StatusPanelManager } from '../panel/statusPanel.js';
export { createPolicyServices } from '../policies/services.js';
export { RecordingUi, recordingSink } from '../testing.js';
export { VerifyReportView } from '../verify/reportView.js';
