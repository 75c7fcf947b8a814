// esbuild bundles the stylesheet imported by main.ts into assets/app-<hash>.css.
declare module '*.css';
