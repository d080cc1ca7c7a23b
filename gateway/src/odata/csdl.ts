// $metadata: the OData v4 CSDL XML of the fact sets (validated against OASIS's edmx.xsd in the
// tests). Each entity type carries its description and what it cannot do — properties not
// filterable or sortable (columns another system gives), no $count or $skip where the connection
// has none — as Core and Capabilities vocabulary annotations, so a client need not learn it by error.
import type { EntitySet, ODataProperty } from './model.js';

export const NAMESPACE = 'OrderHub';
const CORE = 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml';
const CAPABILITIES = 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function property(p: ODataProperty): string {
  const facets = p.edm === 'Edm.Decimal' ? ' Precision="18" Scale="2"' : p.edm === 'Edm.DateTimeOffset' ? ' Precision="6"' : '';
  const description = p.description ? `<Annotation Term="Core.Description" String="${escape(p.description)}"/>` : '';
  return `<Property Name="${p.name}" Type="${p.edm}" Nullable="${p.nullable}"${facets}${description ? `>${description}</Property>` : '/>'}`;
}

const collection = (property: string, names: string[]) =>
  `<PropertyValue Property="${property}"><Collection>${names.map((n) => `<PropertyPath>${n}</PropertyPath>`).join('')}</Collection></PropertyValue>`;

function capabilities(set: EntitySet, properties: ODataProperty[]): string {
  const notFilterable = properties.filter((p) => !p.filterable).map((p) => p.name);
  const notSortable = properties.filter((p) => !p.sortable).map((p) => p.name);
  const out: string[] = [];
  if (set.description) out.push(`<Annotation Term="Core.Description" String="${escape(set.description)}"/>`);
  out.push(`<Annotation Term="Capabilities.FilterRestrictions"><Record>${collection('NonFilterableProperties', notFilterable)}</Record></Annotation>`);
  out.push(
    `<Annotation Term="Capabilities.SortRestrictions"><Record><PropertyValue Property="Sortable" Bool="${set.arguments.has('orderBy')}"/>${collection('NonSortableProperties', set.arguments.has('orderBy') ? notSortable : [])}</Record></Annotation>`,
  );
  out.push(`<Annotation Term="Capabilities.CountRestrictions"><Record><PropertyValue Property="Countable" Bool="${set.countable}"/></Record></Annotation>`);
  out.push(`<Annotation Term="Capabilities.SkipSupported" Bool="${set.arguments.has('skip')}"/>`);
  out.push('<Annotation Term="Capabilities.TopSupported" Bool="true"/>');
  out.push('<Annotation Term="Capabilities.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false"/></Record></Annotation>');
  out.push('<Annotation Term="Capabilities.UpdateRestrictions"><Record><PropertyValue Property="Updatable" Bool="false"/></Record></Annotation>');
  out.push('<Annotation Term="Capabilities.DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false"/></Record></Annotation>');
  return out.join('');
}

/** The CSDL document; `visible` says which properties of a set this caller may see. */
export function metadataXml(sets: EntitySet[], visible: (set: EntitySet) => ODataProperty[]): string {
  const types = sets.map((set) => {
    const props = visible(set);
    return `<EntityType Name="${set.entityType}"><Key>${set.key.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>${props.map(property).join('')}</EntityType>`;
  });
  const entitySets = sets.map((set) => `<EntitySet Name="${set.name}" EntityType="${NAMESPACE}.${set.entityType}">${capabilities(set, visible(set))}</EntitySet>`);
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
    `<edmx:Reference Uri="${CORE}"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>` +
    `<edmx:Reference Uri="${CAPABILITIES}"><edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities"/></edmx:Reference>` +
    '<edmx:DataServices>' +
    `<Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">` +
    types.join('') +
    `<EntityContainer Name="Facts">${entitySets.join('')}</EntityContainer>` +
    '</Schema></edmx:DataServices></edmx:Edmx>'
  );
}
