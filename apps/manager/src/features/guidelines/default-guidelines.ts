/** The guidelines shown when DIRECTOR_GUIDELINES_FILE is unset; an institution replaces them with its own. */
export const defaultGuidelinesText = `Guidelines for hosting a site with Director

1. Your site represents you and the institution. Publish nothing illegal, hateful, harassing or obscene, and
   nothing you do not have the right to publish.
2. Keep secrets secret: never publish passwords, keys or other people's personal information.
3. Do not use your site to attack, probe or overload other systems, to mine cryptocurrency, or to run services
   unrelated to its purpose.
4. Resources are shared: keep your site's use of processor, memory and disk reasonable.
5. Administrators may disable a site that breaks these guidelines, and may look at its files to check.
6. Report security problems you find to the administrators instead of exploiting them.
`;
