// Flat config: typescript-eslint's type-checked rules on every TypeScript file, zero warnings
// tolerated (`eslint . --max-warnings 0`). Generated code is not linted: it is checked by
// `npm run proto:check` against what buf makes from the protos instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'libs/gen/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Type-only imports stay visibly type-only, as `verbatimModuleSyntax` needs.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // An async function without await is how an interface's Promise-returning method is
      // implemented most plainly (handlers, test doubles); the rule only adds noise there.
      '@typescript-eslint/require-await': 'off',
      // Fire-and-forget is allowed only when spelled `void promise`.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Express and event emitters take async callbacks whose promise they ignore by design.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // Matches tsconfig's `erasableSyntaxOnly`: Node strips types, it does not compile enums.
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a const object: Node runs TypeScript by stripping types.' },
        { selector: 'TSParameterProperty', message: 'Declare the field: Node runs TypeScript by stripping types.' },
      ],
    },
  },
  {
    // Plain JavaScript (this file) is outside the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
