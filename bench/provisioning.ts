/**
 * bench/provisioning: a class roster of 500 students, from upload to 500 sites served, through `director up`
 * (issue 16). The course starts each site from a template site (one page, copied in) and invites every student.
 *
 * Baseline, in the same run: the same number of sites created one request each through POST /api/sites (16 at a
 * time), as a teacher's script would without courses: no accounts, no enrolment, no template copy. The ratio says
 * what a roster adds to the sites themselves.
 *
 *   node --import tsx bench/provisioning.ts [--students 500]
 *
 * Each phase's clock stops when the last of its sites answers through the edge as the public sees it. Then the
 * roster is uploaded again (nothing to make) and the course removed, both timed. Prints a JSON report (stdout) and
 * progress (stderr).
 */
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { httpRequest } from "@director/testing/http-request";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";

const { values } = parseArgs({ options: { students: { type: "string", default: "500" } } });
const studentCount = Number(values.students);
const password = "benchmark password 1";
const say = (line: string) => process.stderr.write(`[provisioning] ${line}\n`);
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn" });

function visit(name: string) {
  return httpRequest({ url: `${director.sitesUrl}/`, host: `${name}.sites.localhost:${director.ports.sites}` });
}

/** Waits, in order, until every site answers `status` (sites are made roughly in the order they were asked for). */
async function untilAll(names: readonly string[], isDone: (status: number, text: string) => boolean) {
  const deadline = Date.now() + 30 * 60_000;
  for (const name of names) {
    for (;;) {
      const answer = await visit(name);
      if (isDone(answer.status, answer.text)) break;
      if (Date.now() > deadline) throw new Error(`${name} still answers ${answer.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number, what: string) {
  const settled = await answer;
  if (settled.status !== status) throw new Error(`${what}: ${settled.status} ${settled.text}`);
  return settled;
}

try {
  await director.start();
  await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
  await director.run(["admin", "create-user", "--username", "tina", "--role", "teacher"], `${password}\n`);
  const admin = await ApiSession.login(director.managerUrl, "admin", password);
  const teacher = await ApiSession.login(director.managerUrl, "tina", password);
  const page = "<h1>Starter page</h1>";
  await expectStatus(
    teacher.request("POST", "/api/sites?wait=true", {
      json: { name: "bench-starter", type: "static", purpose: "project" },
    }),
    201,
    "template site",
  );
  await expectStatus(
    teacher.request("PUT", "/api/sites/bench-starter/files/public/index.html", { body: page }),
    200,
    "template page",
  );

  say(`baseline: ${studentCount} sites through POST /api/sites`);
  const baselineNames = Array.from({ length: studentCount }, (_, index) => `base-${index}`);
  const baselineStarted = performance.now();
  for (let index = 0; index < studentCount; index += 16) {
    await Promise.all(
      baselineNames
        .slice(index, index + 16)
        .map((name) =>
          expectStatus(admin.request("POST", "/api/sites", { json: { name, purpose: "project" } }), 202, name),
        ),
    );
  }
  const baselineQueuedS = seconds(baselineStarted);
  await untilAll(baselineNames, (status) => status !== 404 && status !== 502);
  const baselineS = seconds(baselineStarted);
  say(`baseline: ${baselineS} s`);

  await expectStatus(
    teacher.request("POST", "/api/courses", {
      json: { name: "bench", title: "Benchmark course", templateSite: "bench-starter" },
    }),
    201,
    "course",
  );
  const usernames = Array.from({ length: studentCount }, (_, index) => `student${String(index).padStart(4, "0")}`);
  const roster = [
    "username,name,email,graduation year",
    ...usernames.map((username) => `${username},Student ${username},${username}@school.test,2027`),
  ].join("\n");

  let started = performance.now();
  const preview = await expectStatus(
    teacher.request("POST", "/api/courses/bench/roster/preview", { json: { roster } }),
    200,
    "preview",
  );
  const previewS = seconds(started);
  say(`preview: ${previewS} s`);

  started = performance.now();
  const provisioned = await expectStatus(
    teacher.request("POST", "/api/courses/bench/roster", { json: { roster } }),
    200,
    "provision",
  );
  const uploadS = seconds(started);
  const courseNames = usernames.map((username) => `bench-${username}`);
  await untilAll(courseNames, (status, text) => status === 200 && text === page);
  const courseS = seconds(started);
  say(`course: ${courseS} s (upload answered after ${uploadS} s)`);

  started = performance.now();
  const again = await expectStatus(
    teacher.request("POST", "/api/courses/bench/roster", { json: { roster } }),
    200,
    "again",
  );
  const againS = seconds(started);

  started = performance.now();
  await expectStatus(
    teacher.request("POST", "/api/courses/bench/removal", { json: { confirm: "bench" } }),
    200,
    "removal",
  );
  const removalQueuedS = seconds(started);
  await untilAll(courseNames, (status) => status === 404);
  const removalS = seconds(started);

  console.log(
    JSON.stringify(
      {
        students: studentCount,
        baseline: {
          seconds: baselineS,
          queuedSeconds: baselineQueuedS,
          sitesPerSecond: Number((studentCount / baselineS).toFixed(2)),
        },
        course: {
          previewSeconds: previewS,
          previewCounts: JSON.parse(preview.text).counts,
          uploadSeconds: uploadS,
          servedSeconds: courseS,
          sitesPerSecond: Number((studentCount / courseS).toFixed(2)),
          counts: JSON.parse(provisioned.text).counts,
        },
        ratioCourseToBaseline: Number((baselineS / courseS).toFixed(2)),
        againSeconds: againS,
        againCounts: JSON.parse(again.text).counts,
        removal: { queuedSeconds: removalQueuedS, goneSeconds: removalS },
      },
      null,
      2,
    ),
  );
} finally {
  await director.stop();
  await director.removeDockerObjects();
  await rm(director.dataDir, { recursive: true, force: true });
}
