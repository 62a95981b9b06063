/** The operations the client tests send, the same for every client (each wraps them in its own `gql`). */

export const SCHEDULE_QUERY = `
  query Schedule($id: ID!) {
    schedule(id: $id) {
      id
      name
      revision
    }
  }
`;

export const RENAME_MUTATION = `
  mutation Rename($id: ID!, $revision: String!, $name: String!) {
    updateSchedule(schedule: { id: $id, revision: $revision, name: $name }) {
      schedule {
        id
        name
        revision
      }
      userErrors {
        code
      }
    }
  }
`;

export interface ScheduleData {
  schedule: { id: string; name: string; revision: string };
}

export interface RenameData {
  updateSchedule: { schedule: { id: string; name: string; revision: string } | null; userErrors: Array<{ code: string }> };
}
