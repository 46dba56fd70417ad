import { Engine } from './src/engine.js';
import { startCli } from './scripts/cli.js';
const { config, logger } = startCli({ LOG_LEVEL: 'silent' });
for (const model of ['offline', 'Xenova/all-MiniLM-L6-v2']) {
  const engine = await Engine.open({ config: { ...config, MODEL_ID: model, INDEX_DIR: `${config.INDEX_DIR}/eval/${model === 'offline' ? 'guidebot-glove-6b-100d' : 'Xenova-all-MiniLM-L6-v2'}` }, logger });
  for (const q of process.argv.slice(2)) {
    const a = await engine.ask(q);
    console.log(model.slice(0, 8), a.answered, a.confidence, JSON.stringify(a.signals), '|', q);
  }
  await engine.close?.();
}
