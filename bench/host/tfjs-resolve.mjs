// A Node module-resolution hook for TensorFlow.js's ESM build, which imports './gradients'
// meaning './gradients.js' (bundlers resolve that; Node's ESM loader does not, and there is
// also a gradients/ folder). Registered by bench/host/tfjs.ts before it loads the gradients.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const code = e && typeof e === 'object' ? e.code : undefined;
    if (specifier.startsWith('.') && !specifier.endsWith('.js') && (code === 'ERR_UNSUPPORTED_DIR_IMPORT' || code === 'ERR_MODULE_NOT_FOUND'))
      return next(`${specifier}.js`, context);
    throw e;
  }
}
