import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { EmptyState, Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { complianceTranslationRef } from '../../translation';

/**
 * An AI insight about an entity's compliance: a summary, risks and steps,
 * each citing the controls it is about.
 *
 * @public
 */
export interface ComplianceInsight {
  summary: string;
  risks: Array<{ text: string; controlIds: string[] }>;
  steps: Array<{ text: string; controlIds: string[] }>;
  generatedAt?: string;
}

/** The in-page anchor of a control in the control list. */
export function controlAnchor(controlId: string): string {
  return `#compliance-control-${controlId.replace(
    /[^A-Za-z0-9_-]/g,
    '_',
  )}-header`;
}

function Items(props: { title: string; items: ComplianceInsight['risks'] }) {
  if (props.items.length === 0) return null;
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      <List dense>
        {props.items.map((item, i) => (
          <ListItem key={i} disableGutters>
            <ListItemText
              primary={item.text}
              secondary={
                item.controlIds.length > 0 ? (
                  <>
                    {item.controlIds.map((id, j) => (
                      <span key={id}>
                        {j > 0 && ', '}
                        <Link to={controlAnchor(id)}>{id}</Link>
                      </span>
                    ))}
                  </>
                ) : undefined
              }
            />
          </ListItem>
        ))}
      </List>
    </>
  );
}

/**
 * The AI insight section. Until the backend serves insights it shows the
 * empty state "No AI insight yet".
 *
 * @public
 */
export function AiInsight(props: { insight?: ComplianceInsight }) {
  const { insight } = props;
  const { t } = useTranslationRef(complianceTranslationRef);
  if (!insight) {
    return (
      <EmptyState
        missing="info"
        title={t('insight.empty')}
        description={t('insight.emptyDescription')}
      />
    );
  }
  return (
    <div data-testid="compliance-insight">
      <Typography variant="body1" paragraph>
        {insight.summary}
      </Typography>
      <Items title={t('insight.risks')} items={insight.risks} />
      <Items title={t('insight.steps')} items={insight.steps} />
    </div>
  );
}
