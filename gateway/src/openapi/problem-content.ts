/** The body every error answer documents: problem+json with the shared Problem schema. */
export const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } as const;
