import { Fragment } from 'react';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PersonRef, personRefSchema } from 'backstage-plugin-compliance-common';
import { complianceTranslationRef } from '../../translation';
import { useEntityLink } from '../../lib/useEntityRoute';

/**
 * The people an evidence fact names: catalog users as links to their
 * entity page (by display name), unmapped GitHub logins as plain text.
 */
export function EvidencePeople(props: { people: PersonRef[] }) {
  const { t } = useTranslationRef(complianceTranslationRef);
  const entityLink = useEntityLink();
  const people = props.people.flatMap(p => {
    const parsed = personRefSchema.safeParse(p);
    return parsed.success ? [parsed.data] : [];
  });
  if (people.length === 0) return null;
  const linkOf = (person: PersonRef) =>
    person.userRef ? entityLink(person.userRef) : undefined;
  return (
    <span data-testid="compliance-evidence-people">
      {' · '}
      {t('controls.people')}{' '}
      {people.map((person, i) => {
        const link = linkOf(person);
        return (
          <Fragment key={person.login}>
            {i > 0 && ', '}
            {link ? (
              <Link to={link} title={`@${person.login}`}>
                {person.displayName ?? person.login}
              </Link>
            ) : (
              <span>@{person.login}</span>
            )}
          </Fragment>
        );
      })}
    </span>
  );
}
