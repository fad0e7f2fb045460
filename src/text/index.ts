// The one home of small text helpers shared by every layer and the webview. No vscode, no DOM.
export { formatDuration } from './duration.js';
export { escapeMarkdown, markdownCode, singleLine } from './markdown.js';
export { labelText, notificationText } from './plain.js';
export { fillPlaceholders, type Translate } from './placeholders.js';
export { capitalize, plural, sentence } from './words.js';
