export { VISIBLE_TEXT_MESSAGES, visibleTextProblem } from './visible-text.ts';
