export { isHttpsUrl, MAX_URL_LENGTH, type HttpsUrlRules } from './https-url.ts';
