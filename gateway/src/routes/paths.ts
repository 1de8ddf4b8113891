/** The versioned base path of the public API (API.md). */
export const API_V1 = '/api/v1';
