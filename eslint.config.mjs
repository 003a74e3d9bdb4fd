import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const JEST_GLOBALS = '(it|test|describe)';
const FOCUS_OR_SKIP = '(only|skip|todo|failing)';
const FOCUSED_OR_SKIPPED_ALIASES = '(fit|fdescribe|xit|xtest|xdescribe)';
const committedToRun = 'a committed test runs, all of it: remove the focus/skip/todo (use an issue for what is not done yet)';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.griddle/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No focused, skipped or placeholder tests: `.only` silently drops the rest of a file,
    // `.skip`/`x*`/`.todo` leave a test that never fails.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: `MemberExpression[object.name=/^${JEST_GLOBALS}$/][property.name=/^${FOCUS_OR_SKIP}$/]`, message: committedToRun },
        { selector: `MemberExpression[object.type='MemberExpression'][object.object.name=/^${JEST_GLOBALS}$/][property.name=/^${FOCUS_OR_SKIP}$/]`, message: committedToRun },
        { selector: `CallExpression[callee.name=/^${FOCUSED_OR_SKIPPED_ALIASES}$/]`, message: committedToRun },
        { selector: `MemberExpression[object.name=/^${FOCUSED_OR_SKIPPED_ALIASES}$/]`, message: committedToRun },
      ],
    },
  },
);
