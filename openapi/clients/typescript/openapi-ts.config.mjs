// @hey-api/openapi-ts configuration (version pinned in package.json): the fetch client, the
// SDK functions and the types, written to src/ from the committed spec. `npm run generate`.
export default {
  input: '../../openapi.json',
  output: {
    path: 'src',
    importFileExtension: '.js',
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
};
