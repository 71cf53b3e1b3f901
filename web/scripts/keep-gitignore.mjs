// vite's emptyOutDir wipes dist/ on every build; the committed dist/.gitignore
// must survive so that the Rust side can embed the folder before the UI is built.
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
mkdirSync(dist, { recursive: true })
writeFileSync(join(dist, '.gitignore'), '*\n!.gitignore\n')
console.log('kept dist/.gitignore')
