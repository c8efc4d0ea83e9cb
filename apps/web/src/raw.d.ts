// Vite's `?raw` imports: a file's text (the help centre shows docs/faq.md this way).
declare module '*.md?raw' {
  const text: string;
  export default text;
}
