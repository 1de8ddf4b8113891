export { assertBeforeDeadline, currentDeadline, DeadlinePassedError, withDeadline } from './deadline.ts';
