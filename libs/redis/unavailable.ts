import { AppError } from '#libs/errors';

/**
 * Runs a Redis operation, turning any failure into UNAVAILABLE so the caller fails closed
 * (a 503) instead of surfacing an internal error or skipping the check.
 */
export async function failClosed<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw AppError.unavailable('A required service is temporarily unavailable; try again shortly.', error);
  }
}
