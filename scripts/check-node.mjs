// Fails fast when npm scripts are not running on Node 22+ (the `node` devDependency puts a
// Node 22 binary first on the PATH of every npm script, whatever the system Node is).
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    `Node ${process.versions.node} is running this script, but the SDK needs Node 22+. ` +
      "Run it through npm (npm test, npm run example): the node@22 devDependency provides Node 22.",
  );
  process.exit(1);
}
console.log(`Node ${process.versions.node}`);
