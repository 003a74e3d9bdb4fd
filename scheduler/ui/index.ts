export { CONSOLE_DIR, consoleAssets } from './console-assets';
