// Screenshots of Neo4j Browser on the loaded demo world, for the README.
// Needs Debian's chromium and playwright-core (npm install playwright-core in folder DIR). Usage:
//   PLAYWRIGHT_DIR=DIR NEO4J_PASSWORD=... node scripts/browser_screenshots.mjs [http://localhost:7474] [docs/img]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(`${process.env.PLAYWRIGHT_DIR ?? process.cwd()}/`);
const { chromium } = require("playwright-core");

const base = process.argv[2] ?? "http://localhost:7474";
const out = process.argv[3] ?? "docs/img";
const password = process.env.NEO4J_PASSWORD ?? "tracegraph-dev";
const grass = readFileSync("cypher/browser/style.grass", "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
const shots = [
  ["browser-sanctioned-vessels.png", readFileSync("cypher/browser/saved/01_firms_linked_to_sanctioned_vessels.cypher", "utf8")],
  ["browser-key-executives.png", readFileSync("cypher/browser/saved/02_key_executives.cypher", "utf8").replace("LIMIT 10", "LIMIT 3")],
  ["browser-shared-addresses.png", readFileSync("cypher/browser/saved/03_shared_addresses.cypher", "utf8").replace("LIMIT 25", "LIMIT 8")],
];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.goto(`${base}/browser/?dbms=neo4j://localhost:7687`);
await page.locator('input[data-testid="username"]').fill("neo4j");
await page.locator('input[data-testid="password"]').fill(password);
await page.locator('button[data-testid="connect"]').click();
await page.waitForTimeout(3000);

async function run(text) {
  const editor = page.locator('[data-testid="activeEditor"] textarea').first();
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await editor.fill(text);
  await page.keyboard.press("Control+Enter");
  await page.waitForTimeout(6000);
}

await run(`:style ${grass.replace(/\s+/g, " ")}`);
for (const [file, query] of shots) {
  await run(":clear");
  await run(query.split("\n").filter((l) => !l.startsWith("//")).join("\n"));
  await page.locator('[data-testid="frame"] button[title="Fullscreen"]').first().click();
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `${out}/${file}` });
  await page.locator('[data-testid="frame"] button[title="Close fullscreen"], [data-testid="frame"] button[title="Fullscreen"]').first().click();
  await page.waitForTimeout(1000);
  console.log(`wrote ${out}/${file}`);
}
await browser.close();
