// The registered scheduler names for the command line's help: cli may not import backends/, commands may.
export { schedulerNames } from "../backends/registry.js";
