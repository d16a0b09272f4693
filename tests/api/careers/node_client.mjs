// A Node 20 client built like the seed's Next.js proxy: fetch + FormData + Blob, no manual
// Content-Type (fetch writes the multipart boundary). Usage:
//   node node_client.mjs <base_url> <api_key> <job_offer_id> <cv_path>
// Prints {"status": <http status>, "body": <json>} on stdout.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

const [baseUrl, apiKey, jobOfferId, cvPath] = process.argv.slice(2);

const incoming = {
  job_offer_id: jobOfferId,
  first_name: 'Jean',
  last_name: 'Dupont',
  email: 'jean.dupont@example.com',
  phone: '+33123456789',
  linkedin_url: 'https://linkedin.com/in/jeandupont',
  cover_letter: 'Je suis motive par ce poste et disponible rapidement.',
};

const out = new FormData();
for (const key of ['job_offer_id', 'first_name', 'last_name', 'email', 'phone', 'linkedin_url', 'cover_letter']) {
  const v = incoming[key];
  if (typeof v === 'string' && v) out.append(key, v);
}
const cv = new Blob([await readFile(cvPath)], { type: 'application/pdf' });
out.append('cv', cv, basename(cvPath));

const res = await fetch(`${baseUrl}/api/job_applications`, {
  method: 'POST',
  headers: {
    // Do not set Content-Type manually: fetch adds correct multipart boundary.
    'X-API-Key': apiKey,
    'Origin': 'https://careers.my-company.com',
  },
  body: out,
});
const body = await res.json();
process.stdout.write(JSON.stringify({ status: res.status, body }));
