// End-to-end test of verba's web page: types text, presses Play, waits for the stream to end, and checks that
// audio frames arrived and the download is a valid WAV. Usage: node page-test.mjs URL [API_KEY]
// Prints one JSON line with what it saw; exits non-zero with a sentence on failure.
import { chromium } from "playwright-core";

const [url, apiKey] = process.argv.slice(2);
if (!url) { console.error("usage: node page-test.mjs URL [API_KEY]"); process.exit(2); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  if (apiKey) await page.fill("#apiKey", apiKey);
  if (apiKey) await page.dispatchEvent("#apiKey", "change");
  // Settled: voices listed, or a refusal, and no key check still under way.
  await page.waitForFunction(() => (document.querySelectorAll("#voice option").length > 0
      || document.getElementById("status").className === "error")
      && document.getElementById("status").textContent !== "checking the key…", null, { timeout: 20000 });
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  if (await page.evaluate(() => document.getElementById("status").className === "error")) {
    // Refused before Play (e.g. a missing API key): report what the page says.
    const status = await page.evaluate(() => document.getElementById("status").textContent);
    console.log(JSON.stringify({ refused: true, status, pageErrors: consoleErrors }));
  } else {
    await page.fill("#text", "Testing the verba page. Audio streams while words are sent.");
    await page.fill("#wordDelay", "20");
    await page.click("#play");
    await page.waitForFunction(() => window.verbaRun && window.verbaRun.done, null, { timeout: 60000 });
    const run = await page.evaluate(async () => {
      const r = window.verbaRun;
      const out = { samples: r.samples, frames: r.frames, firstAudioMs: r.firstAudioMs, error: r.error,
                    words: r.words.length, status: document.getElementById("status").textContent,
                    ttfaShown: document.getElementById("ttfa").textContent, rtfShown: document.getElementById("rtf").textContent };
      const a = document.getElementById("download");
      if (!a.hidden) {
        const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
        const v = new DataView(bytes.buffer);
        const tag = (o) => String.fromCharCode(...bytes.slice(o, o + 4));
        out.wav = { bytes: bytes.length, riff: tag(0), wave: tag(8), rate: v.getUint32(24, true),
                    bits: v.getUint16(34, true), dataBytes: v.getUint32(40, true) };
      }
      return out;
    });
    run.pageErrors = consoleErrors;
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log(JSON.stringify(run));
  }
} finally {
  await browser.close();
}
