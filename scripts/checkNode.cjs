// Stops an install or a start on a Node.js that is too old, with one sentence on what to do.
// Plain old JavaScript on purpose: it must run, and say so, on any Node version.
var parts = process.versions.node.split('.')
var major = Number(parts[0])
var minor = Number(parts[1])
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    '\nSandbox needs Node.js 22.12 or newer and this is ' + process.version + ': get Node 24 with ' +
      '`nvm install` (this folder has an .nvmrc), or without root with ' +
      '`npm install -g --prefix ~/.node24 node@24 && export PATH=~/.node24/bin:$PATH`, then run this again.\n\n'
  )
  process.exit(1)
}
