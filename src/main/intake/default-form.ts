import defaultFormJson from '../../../assets/intake/public-health.json';
import { formDefinitionSchema, type FormDefinition } from '../../shared/intake/form';

/**
 * The default intake form of a public-health hotline (assets/intake/public-health.json), checked
 * against the same schema as a policy's form: a broken asset fails at start, not at the first call.
 */
export const DEFAULT_INTAKE_FORM: FormDefinition = formDefinitionSchema.parse(defaultFormJson);
