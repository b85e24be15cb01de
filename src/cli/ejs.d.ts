// The one call of ejs that src/cli/help-template.ts makes (ejs ships no types; oclif's help uses it).
declare module 'ejs' {
  const ejs: {render(template: string, data?: object): string}
  export default ejs
}
