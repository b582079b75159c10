// Preloaded (`node --import`) into the `botmap` command by the bench: writes the process's peak
// memory (KB) and run time (s) to $BOTMAP_BENCH_RSS when it exits.
import fs from 'node:fs';

const file = process.env.BOTMAP_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    fs.writeFileSync(file, JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS, seconds: process.uptime() }));
  });
}
