import { globalIgnores } from 'eslint/config'
import pluginVue from 'eslint-plugin-vue'
import { withVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import skipFormatting from 'eslint-config-prettier/flat'

// Strings from the API are shown as text, never parsed as HTML (see src/__tests__/text-only.spec.ts).
const htmlSinks = ['innerHTML', 'outerHTML']

export default withVueTs(
  { rootDir: import.meta.dirname },

  globalIgnores([
    'dist/',
    'node_modules/',
    'playwright-report/',
    'test-results/',
    'blob-report/',
    'src/api/schema.d.ts',
  ]),

  {
    name: 'pairup/files',
    files: ['**/*.{js,mjs,ts,vue}'],
  },

  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,

  {
    name: 'pairup/no-html-from-strings',
    rules: {
      'vue/no-v-html': 'error',
      'no-restricted-syntax': [
        'error',
        ...htmlSinks.flatMap((name) => [
          {
            selector: `AssignmentExpression > MemberExpression.left[property.name='${name}']`,
            message: `Do not assign to ${name}: render text (textContent, {{ }}) instead.`,
          },
          {
            selector: `AssignmentExpression > MemberExpression.left[computed=true][property.value='${name}']`,
            message: `Do not assign to ${name}: render text (textContent, {{ }}) instead.`,
          },
        ]),
      ],
      'no-restricted-properties': [
        'error',
        { property: 'insertAdjacentHTML', message: 'Do not insert HTML from strings: build nodes or render text.' },
        { object: 'document', property: 'write', message: 'Do not write HTML into the document.' },
        { object: 'document', property: 'writeln', message: 'Do not write HTML into the document.' },
      ],
    },
  },

  // Last: turns off the rules that Prettier's formatting would contradict (`npm run lint` runs
  // `prettier --check` itself).
  skipFormatting,
)
