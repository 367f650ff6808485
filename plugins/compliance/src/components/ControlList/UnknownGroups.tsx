import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceTranslationRef } from '../../translation';
import type { UnknownCause, UnknownGroup } from '../../lib/explain';

/** Where each cause's fix is documented. */
const DOCS: Partial<Record<UnknownCause['code'], string>> = {
  no_credentials: 'https://backstage.io/docs/integrations/github/locations',
  no_repo:
    'https://backstage.io/docs/features/software-catalog/well-known-annotations#githubcomproject-slug',
  insufficient_permission:
    'https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app',
};

/** One line saying why controls are unknown: "31 controls need GitHub access". */
export function useWhyText() {
  const { t } = useTranslationRef(complianceTranslationRef);
  return (group: UnknownGroup): string => {
    const n = String(group.results.length);
    if (group.code === 'insufficient_permission') {
      return group.permission
        ? t('why.insufficient_permission', {
            n,
            permission: group.permission,
          })
        : t('why.insufficient_permission_unnamed', { n });
    }
    return t(`why.${group.code}`, { n });
  };
}

function useGroupTexts() {
  const { t } = useTranslationRef(complianceTranslationRef);
  return (group: UnknownGroup) => {
    if (group.code === 'insufficient_permission') {
      return group.permission
        ? {
            title: t('unknowns.group_insufficient_permission', {
              permission: group.permission,
            }),
            fix: t('unknowns.fix_insufficient_permission', {
              permission: group.permission,
            }),
          }
        : {
            title: t('unknowns.group_insufficient_permission_unnamed'),
            fix: t('unknowns.fix_insufficient_permission_unnamed'),
          };
    }
    if (group.code === 'no_repo') {
      return {
        title: t('unknowns.group_no_repo'),
        fix: t('unknowns.fix_no_repo', {
          annotation: group.annotation ?? 'github.com/project-slug',
        }),
      };
    }
    return {
      title: t(`unknowns.group_${group.code}`),
      fix: t(`unknowns.fix_${group.code}`),
    };
  };
}

/**
 * Unknown controls collapsed into one explained group per cause (no
 * credentials, no repository annotation, a missing GitHub permission named
 * exactly, insufficient data), each with its fix.
 */
export function UnknownGroups(props: { groups: UnknownGroup[] }) {
  const { groups } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  const texts = useGroupTexts();
  const why = useWhyText();
  if (groups.length === 0) return null;
  return (
    <section
      aria-labelledby="compliance-unknowns-heading"
      id="compliance-unknowns"
    >
      <Typography
        variant="h6"
        component="h3"
        id="compliance-unknowns-heading"
        style={{ marginTop: 16 }}
      >
        {t('unknowns.title')}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {t('unknowns.description')}
      </Typography>
      {groups.map(group => {
        const { title, fix } = texts(group);
        const id = `compliance-unknown-${group.key.replace(
          /[^A-Za-z0-9_-]/g,
          '_',
        )}`;
        const docs = DOCS[group.code];
        return (
          <Accordion
            key={group.key}
            TransitionProps={{ unmountOnExit: true }}
            data-testid="compliance-unknown-group"
            data-code={group.code}
          >
            <AccordionSummary
              expandIcon={<ExpandMoreIcon />}
              aria-controls={`${id}-content`}
              id={`${id}-header`}
              data-control-nav
            >
              <Box
                display="flex"
                alignItems="center"
                flexWrap="wrap"
                width="100%"
                style={{ gap: 8 }}
              >
                <Typography component="span" style={{ flexGrow: 1 }}>
                  {title}
                </Typography>
                <Chip
                  size="small"
                  label={t('unknowns.controls', {
                    n: String(group.results.length),
                  })}
                />
              </Box>
            </AccordionSummary>
            <AccordionDetails id={`${id}-content`} style={{ display: 'block' }}>
              <Typography variant="body2" gutterBottom>
                {why(group)}.
              </Typography>
              <Typography variant="subtitle2" component="p">
                {t('controls.remediation')}
              </Typography>
              <Typography variant="body2" data-testid="compliance-unknown-fix">
                {fix}
              </Typography>
              {docs && <Link to={docs}>{t('unknowns.docs')}</Link>}
              <ul style={{ marginBottom: 0 }}>
                {group.results.map(r => (
                  <li key={r.controlId}>
                    <Typography variant="body2" component="span">
                      {r.control.title}
                    </Typography>
                  </li>
                ))}
              </ul>
            </AccordionDetails>
          </Accordion>
        );
      })}
    </section>
  );
}
