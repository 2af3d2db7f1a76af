// Mounting the exercises of a page, around the mounting of its runnable blocks (runner/main.js):
// the reader's kept code goes where the blocks look for it before they mount, the Check panels
// are added after, and the Exercises page's list is filled in.

import { mountExercise, restoreExerciseCode } from "./exercise.js";
import { mountExerciseList } from "./exercise-list.js";

/** @typedef {import("../runner/runtime-client.js").RuntimeClient} RuntimeClient */

/**
 * @param {RuntimeClient} client
 * @param {() => (() => void)[]} mountBlocks mounts the page's runnable blocks, returns their teardowns
 * @returns {(() => void)[]} every teardown, the exercises' first
 */
export function mountExercises(client, mountBlocks) {
  const containers = /** @type {HTMLElement[]} */ ([...document.querySelectorAll(".md-content .exercise[data-exercise]")]);
  for (const container of containers) restoreExerciseCode(container);
  const blocks = mountBlocks();
  const exercises = containers.map((container) => mountExercise(container, client));
  const list = document.querySelector(".md-content [data-exercise-list]");
  if (list) exercises.push(mountExerciseList(/** @type {HTMLElement} */ (list)));
  return [...exercises, ...blocks];
}
