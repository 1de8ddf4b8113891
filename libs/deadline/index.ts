export { assertBeforeDeadline, currentDeadline, DeadlinePassedError, passPointOfNoReturn, withDeadline } from './deadline.ts';
