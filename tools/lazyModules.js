// @ts-check
/**
 * Defers two heavy modules that `@pulumi/pulumi` requires at load time but a plan never uses:
 * `node -r ./tools/lazyModules.js …` (see package.json's `plan` script).
 *
 * `require("@pulumi/pulumi")` loads its automation API, which loads the runtime's closure
 * serialiser (function serialisation for dynamic providers and callbacks). That serialiser
 * requires the TypeScript compiler (through `typescript-shim.js`, to parse function text) and
 * `@npmcli/arborist` (in `runtime/closure/codePaths.js`, to find the packages a serialised
 * function needs): about 0.65 s of the plan's start on this machine kind, for code that only runs
 * when a function is serialised, which a plan under mocks never does.
 *
 * Each of those two `require`s, and only when it comes from that Pulumi file, gets a stand-in that
 * loads the real module the first time anything reads from it; from then on every property is
 * the real module's. So nothing can behave differently: code that uses the module gets the real
 * one, a little later. `lazyModules.loaded()` tells which stand-ins have been touched (a test
 * proves a plan touches none and that a touched one is the real module).
 */
"use strict";
const path = require("path");
const Module = require("module");

/**
 * The deferred `require`s: the requesting file (inside @pulumi/pulumi), the module it asks for,
 * and whether the requester reads it through TypeScript's `__importStar` (which asks for
 * `__esModule` first and would otherwise copy every property, loading the module at once).
 */
const DEFERRED = [
    { from: path.join("@pulumi", "pulumi", "typescript-shim.js"), request: "typescript", importStar: false },
    { from: path.join("@pulumi", "pulumi", "runtime", "closure", "codePaths.js"), request: "@npmcli/arborist", importStar: true },
];

/** Requests whose real module has been loaded through a stand-in. */
const touched = new Set();

/**
 * A stand-in for `require(request)` made on behalf of `parent`: every operation loads the real
 * module (once) and is forwarded to it.
 * @param {string} request @param {any} parent @param {boolean} importStar
 */
function deferred(request, parent, importStar) {
    /** @type {any} */
    let real;
    const load = () => {
        if (real === undefined) {
            real = originalLoad.call(Module, request, parent, false);
            touched.add(request);
        }
        return real;
    };
    return new Proxy(
        {},
        {
            get: (_, key) => (importStar && key === "__esModule" && real === undefined ? true : Reflect.get(load(), key)),
            has: (_, key) => Reflect.has(load(), key),
            set: (_, key, value) => Reflect.set(load(), key, value),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(load(), key);
                // A proxy may only report a non-configurable property its own target has.
                return d && { ...d, configurable: true };
            },
            defineProperty: (_, key, d) => Reflect.defineProperty(load(), key, d),
            deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
            getPrototypeOf: () => Reflect.getPrototypeOf(load()),
        },
    );
}

// @ts-ignore: Module._load is internal but stable (it is what every require hook wraps).
const originalLoad = Module._load;
// @ts-ignore
Module._load = function (/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
    const from = parent && parent.filename;
    if (from) {
        for (const d of DEFERRED) {
            if (request === d.request && from.endsWith(path.sep + path.join("node_modules", d.from))) return deferred(request, parent, d.importStar);
        }
    }
    return originalLoad.apply(this, arguments);
};

module.exports = {
    /** The deferred modules that something has read from in this process. */
    loaded: () => [...touched],
    DEFERRED,
};
