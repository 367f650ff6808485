import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  CatalogAutocomplete,
  catalogApiRef,
} from '@backstage/plugin-catalog-react';
import { complianceTranslationRef } from '../../translation';
import {
  PICKER_DEBOUNCE_MS,
  PickerOption,
  describeRefs,
  searchPickerOptions,
} from './entityPickerSearch';

export type { PickerOption } from './entityPickerSearch';

const useStyles = makeStyles({
  // The overview's other filters are outlined fields with floating labels.
  inputRoot: { marginTop: 0 },
  path: { display: 'block' },
});

/**
 * A type-ahead catalog entity picker of the overview (owner groups with
 * their parents, or systems). Each keystroke, debounced, asks the catalog
 * for at most 20 entities whose name or title contains the text. The value
 * is an entity ref; '' for none.
 */
export function OverviewEntityPicker(props: {
  kind: 'group' | 'system';
  id: string;
  label: string;
  helperText?: string;
  value: string;
  onChange: (ref: string) => void;
}) {
  const { kind, value } = props;
  const catalogApi = useApi(catalogApiRef);
  const classes = useStyles();
  const { t } = useTranslationRef(complianceTranslationRef);
  const [open, setOpen] = useState(false);
  const [input, setInput] = useState('');
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(input), PICKER_DEBOUNCE_MS, [input]);

  // The selected entity's title and parents, also for a ref from the URL.
  const { value: selected } = useAsync(async () => {
    if (!value) return null;
    const [described] = await describeRefs(catalogApi, [value]);
    return described ?? { ref: value, title: value, path: [] };
  }, [catalogApi, value]);

  const {
    value: options = [],
    loading,
    error,
  } = useAsync(async () => {
    if (!open) return [];
    // The field shows the selected title: search all until the user types.
    const text = selected && term === selected.title ? '' : term;
    return searchPickerOptions(catalogApi, kind, text);
  }, [catalogApi, kind, term, open, selected]);

  return (
    <CatalogAutocomplete<PickerOption, false, false, false>
      name={props.id}
      id={props.id}
      classes={{ inputRoot: classes.inputRoot }}
      open={open}
      // ARIA 1.2: an expanded combobox names its popup (MUI 4 omits it).
      aria-controls={open ? `${props.id}-popup` : undefined}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      options={options}
      loading={loading}
      loadingText={t('overview.pickerLoading')}
      noOptionsText={
        error ? t('overview.pickerError') : t('overview.pickerNoMatch')
      }
      value={value ? selected ?? null : null}
      onChange={(_e, option) => props.onChange(option?.ref ?? '')}
      inputValue={input}
      onInputChange={(_e, text) => setInput(text.slice(0, 100))}
      // The catalog filters; the options are already the matches.
      filterOptions={o => o}
      getOptionLabel={o => o.title}
      getOptionSelected={(o, v) => o.ref === v.ref}
      renderOption={o => (
        <Box>
          <Typography variant="body2" component="span">
            {o.title}
          </Typography>{' '}
          {o.path.length > 0 && (
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
              className={classes.path}
            >
              {t('overview.pickerUnder', { path: o.path.join(' › ') })}
            </Typography>
          )}
        </Box>
      )}
      renderInput={params => (
        <TextField
          {...params}
          fullWidth
          size="small"
          variant="outlined"
          label={props.label}
          helperText={props.helperText}
          placeholder={t('overview.any')}
        />
      )}
    />
  );
}
